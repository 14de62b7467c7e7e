/** policy-gate's own version (package.json), reported by the CLI, the SARIF log and user agents. */
export const VERSION = '0.1.0'
