// A worker thread of the whole-tree check: its own project on the same tree
// (and the same unsaved buffers), answering one unit job at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { KbuildObjects } from '../config/kbuild-objects';
import { OverlayProject, ProjectOptions } from '../project';
import { newHeaderMemo, runUnitJob, UnitJob } from './tree-check';

async function main() {
  const init = workerData as { options: ProjectOptions; unsaved: Array<[string, string]> };
  const project = await OverlayProject.open(init.options);
  for (const [file, text] of init.unsaved) project.files.set(file, text);
  const kbuild = new KbuildObjects(project.config.srcDir, project.config.kconfig);
  // the worker lives for one run: its recordings go with it
  const headerMemo = newHeaderMemo();
  parentPort!.on('message', (job: UnitJob) => {
    try {
      parentPort!.postMessage({ result: runUnitJob(project, job, kbuild, undefined, false, headerMemo) });
    } catch (e) {
      parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
  parentPort!.postMessage({ ready: true });
}

main().catch((e) => parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) }));
