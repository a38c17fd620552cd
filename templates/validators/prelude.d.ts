/** The format checks the generated validators inline (see prelude.js). */
export declare const formats: Record<string, (value: string) => boolean>;
