/** eyrie's version, printed by `eyrie version` and served in /api/health. */
export const VERSION = "0.1.0";
