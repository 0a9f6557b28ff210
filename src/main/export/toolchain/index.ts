/** Compilers and QEMU for checking exported C: find the tools, build for host or Cortex-M, run under QEMU with exact instruction counts, measure flash and RAM. */
export { ARM_TOOLS, findTool, missingTools, missingToolsMessage, requireTools, type ToolName } from './tools';
export { CORTEX_TARGETS, type CortexTarget, type CortexTargetId } from './targets';
export { compileHost, crossCompile, HOST_CFLAGS, type CSources, type CrossBuild } from './compile';
export { runOnQemu, regionCounts, symbolAddress, MARK_OVERHEAD, type QemuRun } from './qemu';
export { icountPlugin, toolchainCacheDir } from './icountPlugin';
export { FILL, memoryReport, parseMapFile, parseSizeSysv, rootObject, type InputSection, type MemoryReport, type ParsedMap } from './memoryMap';
export { execTool } from './exec';
export { harnessDir, exportResourcesDir } from './resources';
export { parseHarnessOutput, type HarnessReport } from './harnessOutput';
export { libraryCategory, runLibraryHarness, type InstructionFigures, type LibraryRun, type MemoryCategory, type WindowOutputs } from './libraryHarness';
