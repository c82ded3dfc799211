// C data models of the kernel's targets: size and alignment of every base
// type. `fieldAlign` is the alignment inside a struct where the ABI lowers it
// (i386 SysV: long long and double are 8-byte objects aligned to 4 in structs,
// though _Alignof answers 8); everything else aligns to its size.
import { ArchName } from '../config/targets';

export interface BaseType {
  size: number;
  align: number;
  /** alignment as a struct member, when the ABI lowers it */
  fieldAlign?: number;
}

export interface DataModel {
  arch: ArchName;
  pointer: BaseType;
  char: BaseType;
  short: BaseType;
  int: BaseType;
  long: BaseType;
  longLong: BaseType;
  int128?: BaseType;
  bool: BaseType;
  float: BaseType;
  double: BaseType;
  longDouble: BaseType;
  /** is plain char signed? (the kernel builds every arch with -funsigned-char since 6.2) */
  charSigned: boolean;
  /** the biggest alignment GCC gives anything by default (aligned without argument) */
  biggestAlignment: number;
}

const b = (size: number, align = size, fieldAlign?: number): BaseType => (fieldAlign === undefined ? { size, align } : { size, align, fieldAlign });

const LP64 = {
  pointer: b(8), char: b(1), short: b(2), int: b(4), long: b(8), longLong: b(8), int128: b(16), bool: b(1),
  float: b(4), double: b(8), charSigned: false,
};

export const DATA_MODELS: Record<ArchName, DataModel> = {
  x86_64: { arch: 'x86_64', ...LP64, longDouble: b(16), biggestAlignment: 16 },
  arm64: { arch: 'arm64', ...LP64, longDouble: b(16), biggestAlignment: 16 },
  riscv64: { arch: 'riscv64', ...LP64, longDouble: b(16), biggestAlignment: 16 },
  i386: {
    arch: 'i386', pointer: b(4), char: b(1), short: b(2), int: b(4), long: b(4), longLong: b(8, 8, 4), bool: b(1),
    float: b(4), double: b(8, 8, 4), longDouble: b(12, 4), charSigned: false, biggestAlignment: 16,
  },
  arm: {
    arch: 'arm', pointer: b(4), char: b(1), short: b(2), int: b(4), long: b(4), longLong: b(8), bool: b(1),
    float: b(4), double: b(8), longDouble: b(8), charSigned: false, biggestAlignment: 8,
  },
};

export function dataModel(arch: ArchName): DataModel {
  return DATA_MODELS[arch];
}
