/** A file an emitter produces, relative to the output folder. Emitters are pure: IR in, files out. */
export interface EmittedFile {
  path: string;
  contents: string;
}
