/**
 * Policy text checks and this process's copy of the current policies, built by the composition (it loads
 * policies; the HTTP app does not). Messages name places in the text, never its values.
 */
export interface PolicyCatalog {
  /** Loads uploaded policy text (YAML) as `name`: its digest and loaded JSON; `policy_invalid` when it is not one. */
  check(name: string, text: string): { readonly digest: string; readonly policyJson: string };
  /** A new version became current: plans and audit digests in this process use it from now on. */
  changed(name: string, policyJson: string, digest: string): void;
}
