// The options every tree-reading command shares, turned into the one project
// configuration (tree, build dir, .config, arch).
import { flag, ParsedArgs } from './args';
import { OverlayProject, ProjectOptions } from '../engine/project';

export const TREE_FLAGS = ['tree', 'build', 'config', 'arch'];

export function projectOptions(args: ParsedArgs): ProjectOptions {
  const srcDir = flag(args, 'tree') ?? process.cwd();
  return { srcDir, buildDir: flag(args, 'build'), configFile: flag(args, 'config'), arch: flag(args, 'arch') };
}

export async function openProject(args: ParsedArgs, extra: Partial<ProjectOptions> = {}): Promise<OverlayProject> {
  const p = await OverlayProject.open({ ...projectOptions(args), ...extra });
  if (process.env.OVERLAY_LENS_VERBOSE || args.bools.has('verbose')) {
    process.stderr.write(`overlay-lens: ${p.config.label}\n`);
  }
  for (const a of p.config.assumptions) process.stderr.write(`overlay-lens: assuming: ${a}\n`);
  return p;
}
