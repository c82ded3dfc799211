// The target compiler as the preprocessor needs it, from shipped tables
// (scripts/gen-predefined-macros.sh): predefined macros per architecture and
// gcc 12's answers to __has_attribute / __has_builtin.
import { ArchName } from '../config/targets';
import { HAS_ATTRIBUTE, HAS_BUILTIN, PREDEFINED_MACROS } from './predefined-macros';

export function predefinedMacros(arch: ArchName): Map<string, string> {
  const table = PREDEFINED_MACROS[arch];
  if (!table) throw new Error(`no predefined-macro table for ${arch}: regenerate with scripts/gen-predefined-macros.sh`);
  return new Map(Object.entries(table));
}

export function hasAttribute(name: string): number {
  const bare = name.replace(/^__(.*)__$/, '$1');
  return HAS_ATTRIBUTE[name] ?? HAS_ATTRIBUTE[`__${bare}__`] ?? HAS_ATTRIBUTE[bare] ?? 0;
}

export function hasBuiltin(name: string): boolean {
  return HAS_BUILTIN[name] ?? false;
}
