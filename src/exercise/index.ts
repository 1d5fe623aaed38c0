// The exercise's checkers (`comprobar.*` in Spanish, `check.*` in English) and their verdicts.
export { check, comprobar, verdicts, EXAMPLE_TEXTS } from "./checks.js";
export { Verdict, type Finding, type Level } from "./verdict.js";
