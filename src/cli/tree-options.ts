// The options every tree-reading command shares, turned into the one project
// configuration (tree, build dir, .config, arch).
import { flag, ParsedArgs } from './args';
import { OverlayProject, ProjectOptions } from '../engine/project';

export const TREE_FLAGS = ['tree', 'build', 'config', 'arch'];

export function projectOptions(args: ParsedArgs): ProjectOptions {
  const srcDir = flag(args, 'tree') ?? process.cwd();
  return { srcDir, buildDir: flag(args, 'build'), configFile: flag(args, 'config'), arch: flag(args, 'arch') };
}

/** The project of the tree options; its grammar may still be loading (`await project.ready` before laying out). */
export function openProject(args: ParsedArgs, extra?: Partial<ProjectOptions>, wait?: true): Promise<OverlayProject>;
export function openProject(args: ParsedArgs, extra: Partial<ProjectOptions>, wait: false): OverlayProject;
export function openProject(args: ParsedArgs, extra: Partial<ProjectOptions> = {}, wait = true): OverlayProject | Promise<OverlayProject> {
  const p = OverlayProject.opening({ ...projectOptions(args), ...extra });
  if (process.env.OVERLAY_LENS_VERBOSE || args.bools.has('verbose')) {
    process.stderr.write(`overlay-lens: ${p.config.label}\n`);
  }
  for (const a of p.config.assumptions) process.stderr.write(`overlay-lens: assuming: ${a}\n`);
  return wait ? p.ready.then(() => p) : p;
}
