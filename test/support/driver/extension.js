// Runs inside the real extension host of code-server, beside Overlay Lens: it
// loads the compiled script named by OVERLAY_LENS_DRIVER_SCRIPT (an e2e test's
// API-level checks, or the extension bench) and hands it VS Code's API and a
// `step` function that appends to the JSON report at OVERLAY_LENS_DRIVER_OUT.
// Plain JS, not bundled: the scripts are tsc's output under out/.
const vscode = require('vscode');
const fs = require('fs');

exports.activate = () => {
  const script = process.env.OVERLAY_LENS_DRIVER_SCRIPT;
  const out = process.env.OVERLAY_LENS_DRIVER_OUT;
  if (!script || !out) return;
  const steps = [];
  const step = (name, data) => {
    steps.push({ name, at: Date.now(), ...data });
    // write then rename: the test polls this file and must never read half of it
    fs.writeFileSync(`${out}.tmp`, JSON.stringify({ steps }, null, 1));
    fs.renameSync(`${out}.tmp`, out);
  };
  void (async () => {
    try {
      await require(script).run(vscode, step);
      step('done', {});
    } catch (e) {
      step('error', { message: String((e && e.stack) || e) });
    }
  })();
};
