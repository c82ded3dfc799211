// The compiler's view of the tree, as the top-level Makefile builds it
// (LINUXINCLUDE / USERINCLUDE and the -include of c_flags), so the preprocessor
// sees exactly the headers a real build would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TreeConfig } from './tree-config';

export interface CompileSettings {
  /** -I directories in kbuild's order. */
  includeDirs: string[];
  /** -include files, in order. */
  implicitIncludes: string[];
  /** -D macros kbuild adds (the compiler's predefined ones come from abi/). */
  defines: Map<string, string>;
}

export function kbuildCompileSettings(config: TreeConfig): CompileSettings {
  const src = config.srcDir;
  const obj = config.objDir;
  const arch = config.srcArch;
  const dirs = [
    // LINUXINCLUDE
    path.join(src, 'arch', arch, 'include'),
    path.join(obj, 'arch', arch, 'include/generated'),
    path.join(src, 'include'),
    path.join(obj, 'include'),
    // USERINCLUDE
    path.join(src, 'arch', arch, 'include/uapi'),
    path.join(obj, 'arch', arch, 'include/generated/uapi'),
    path.join(src, 'include/uapi'),
    path.join(obj, 'include/generated/uapi'),
  ];
  // A directory that holds only a synthesized header (an unprepared tree) still counts.
  const virtualDirs = [...config.virtualFiles.keys()];
  const includeDirs = [...new Set(dirs)].filter(
    (d) => fs.existsSync(d) || virtualDirs.some((f) => f.startsWith(d + path.sep)));
  return {
    includeDirs,
    implicitIncludes: [
      path.join(src, 'include/linux/compiler-version.h'),
      path.join(src, 'include/linux/kconfig.h'),
      path.join(src, 'include/linux/compiler_types.h'),
    ].filter((f) => fs.existsSync(f)),
    defines: new Map([['__KERNEL__', '1']]),
  };
}
