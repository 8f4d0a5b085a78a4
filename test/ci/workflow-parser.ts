/**
 * GitHub's own workflow parser (@actions/workflow-parser, the one behind the Actions editor
 * support), loaded so that plain Node accepts it: the package imports its schema JSON without an
 * import attribute, which Node's ESM loader refuses, so a loader hook adds `type: 'json'` for JSON
 * files of that package only.
 */
import { register } from 'node:module';

const HOOK = `export async function load(url, context, next) {
  if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) {
    return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(HOOK)}`);

const parser = await import('@actions/workflow-parser');

/** Every error GitHub's parser reports for a workflow file (schema and expression syntax). */
export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return errors;
  const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  for (const e of template.errors ?? []) if (!errors.includes(e.Message)) errors.push(e.Message);
  return errors;
}
