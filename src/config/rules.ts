/**
 * Catalogue of the finding ids produced by loading and validation (not product lints, which carry their
 * own catalogue in src/config/lints/). Ids are stable: they are SARIF rule ids and users filter on them.
 */
import type { Severity } from './model.js';

export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
}

export const VALIDATION_RULES: readonly RuleInfo[] = [
  { id: 'file/too-large', severity: 'error', summary: 'The file is larger than the size limit (4 MiB by default)' },
  { id: 'file/encoding', severity: 'error', summary: 'The file is not valid UTF-8' },
  { id: 'file/control-character', severity: 'error', summary: 'A control character YAML does not allow (can also rewrite a terminal)' },
  { id: 'yaml/syntax', severity: 'error', summary: 'The file is not valid YAML' },
  { id: 'yaml/duplicate-key', severity: 'error', summary: 'A key appears twice in one mapping' },
  { id: 'yaml/tab-indent', severity: 'error', summary: 'Tabs used for indentation' },
  { id: 'yaml/multiple-documents', severity: 'error', summary: 'More than one YAML document in the file' },
  { id: 'yaml/unknown-tag', severity: 'error', summary: 'A YAML tag acrctl does not understand' },
  { id: 'yaml/unknown-anchor', severity: 'error', summary: 'An alias refers to an anchor that is not defined' },
  { id: 'yaml/alias-limit', severity: 'error', summary: 'Too many aliases, or aliases that expand too much ("billion laughs")' },
  { id: 'yaml/complex-key', severity: 'error', summary: 'A key that is a list, mapping or alias' },
  { id: 'yaml/unsupported-value', severity: 'error', summary: 'A YAML value that is not a string, number, boolean or null' },
  { id: 'config/empty', severity: 'error', summary: 'The file is empty' },
  { id: 'config/too-deep', severity: 'error', summary: 'Nesting deeper than any registry.yaml needs' },
  { id: 'config/unsafe-key', severity: 'error', summary: 'A key such as __proto__ or constructor' },
  { id: 'secret/in-config', severity: 'error', summary: 'A secret (access key, password, token) written in the file' },
  { id: 'env/missing-variable', severity: 'error', summary: 'A ${env:NAME} reference to a variable that is not set' },
  { id: 'env/bad-reference', severity: 'error', summary: 'A ${...} reference that is not ${env:NAME}' },
  { id: 'schema/unknown-key', severity: 'error', summary: 'A key the language does not have (with a "did you mean")' },
  { id: 'schema/required', severity: 'error', summary: 'A required key is missing' },
  { id: 'schema/type', severity: 'error', summary: 'A value of the wrong type' },
  { id: 'schema/enum', severity: 'error', summary: 'A value outside the allowed set' },
  { id: 'schema/const', severity: 'error', summary: 'A value that must be one exact value (version: 1)' },
  { id: 'schema/pattern', severity: 'error', summary: 'A name or id that breaks its naming rule' },
  { id: 'schema/format', severity: 'error', summary: 'A malformed address' },
  { id: 'schema/range', severity: 'error', summary: 'A number or length outside its allowed range' },
  { id: 'schema/duplicate', severity: 'error', summary: 'The same item listed twice' },
  { id: 'schema/invalid', severity: 'error', summary: 'A combination of keys that is not allowed' },
  { id: 'ref/unknown-account', severity: 'error', summary: 'Reference to an account alias that is not declared' },
  { id: 'ref/unknown-instance', severity: 'error', summary: 'Reference to an instance alias that is not declared' },
  { id: 'ref/unknown-namespace', severity: 'error', summary: 'Reference to a namespace not declared in the instance' },
  { id: 'ref/replication-to-self', severity: 'error', summary: 'A replication rule whose target is its own instance' },
  { id: 'ref/replication-cycle', severity: 'error', summary: 'Replication rules that form a loop' },
  { id: 'ref/duplicate-instance', severity: 'error', summary: 'Two instances with the same cloud name' },
  { id: 'ref/duplicate-key', severity: 'error', summary: 'Two objects with the same natural key' },
  { id: 'ref/self-trust', severity: 'error', summary: 'A cross-account role that trusts its own account' },
  { id: 'ref/instance-account-mismatch', severity: 'error', summary: 'A cross-account role covering an instance of another account' },
  { id: 'ref/unknown-vpc', severity: 'error', summary: 'A data-centre path naming a VPC the instance is not bound to' },
  { id: 'ref/datacenter-connection', severity: 'error', summary: 'A data-centre connection whose id, router interface or route table does not fit its kind' },
  // issue 14 items 8 and 10
  { id: 'ref/storage-routing-domain', severity: 'error', summary: 'A storage route whose instance domain is not the instance\'s, or whose storage domain is not an OSS domain of its region' },
  { id: 'ref/event-rule-config', severity: 'error', summary: 'An event rule config that is not a JSON document' },
];
