// A worker thread of the whole-tree check: its own project on the same tree
// (and the same unsaved buffers), answering one unit job at a time, and at
// the end of the run the overlay half of the report (the pairs' layouts).
import { parentPort, workerData } from 'node:worker_threads';
import { KbuildObjects } from '../config/kbuild-objects';
import { OverlayProject, ProjectOptions } from '../project';
import { newHeaderMemo, runUnitJob, WorkerRequest } from './tree-check';

async function main() {
  const init = workerData as { options: ProjectOptions; unsaved: Array<[string, string]> };
  const project = await OverlayProject.open(init.options);
  for (const [file, text] of init.unsaved) project.files.set(file, text);
  const kbuild = new KbuildObjects(project.config.srcDir, project.config.kconfig);
  // the worker lives for one run: its recordings go with it
  const headerMemo = newHeaderMemo();
  // the overlay pairs' units, built at the end of the run, replay those recordings too
  project.replayHeadersFrom(headerMemo);
  parentPort!.on('message', (m: WorkerRequest) => {
    try {
      if ('overlays' in m) parentPort!.postMessage({ overlays: project.overlays(m.overlays, []) });
      else parentPort!.postMessage({ result: runUnitJob(project, m.job, kbuild, undefined, false, headerMemo) });
    } catch (e) {
      parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
  parentPort!.postMessage({ ready: true });
}

main().catch((e) => parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) }));
