/** The PocketBase filter language: parse, compile to SQL, sort, and evaluate in memory. */
export type { CompareNode, CompareOp, FilterNode, LogicalNode, ValueNode } from './ast.ts';
export { formatFilter } from './ast.ts';
export { type CompileOptions, compileFilter } from './compile-filter.ts';
export { evaluateFilter, type EvaluateOptions, type RecordSource } from './evaluate.ts';
export { formatStoredDate } from './macros.ts';
export { type FilterLimits, parseFilter } from './parser.ts';
export type { FilterSchema, RequestInfo } from './resolve-context.ts';
export { compileSort } from './sort.ts';
