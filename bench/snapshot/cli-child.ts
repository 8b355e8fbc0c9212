// The CLI entry for `--runner tsx`: what bin/lookalike.js does, but loading src/ through tsx.
import { main } from '../../src/cli/main.js';

await main(process.argv);
