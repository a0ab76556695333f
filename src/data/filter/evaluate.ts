export interface EvaluateOptions {}
export interface RecordSource {}
export function evaluateFilter(): boolean {
  return false;
}
