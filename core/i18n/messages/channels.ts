/** Texts for the channels feature. Every Danish key needs its English twin (the type enforces it). */
export const da = {};

export const en: Record<keyof typeof da, string> = {};
