import { join } from 'path';

/** Where `npm run build` writes the generated validators, relative to the compiled `lib/schema/` folder. */
export const GENERATED_DIR_FROM_RENDERING = join('..', '..', 'generated', 'schema-validators');
