// The CLI as a separate process, from source (what bin/lookalike.js runs from dist/).
import { main } from '../../src/cli/main.js';

await main(process.argv);
