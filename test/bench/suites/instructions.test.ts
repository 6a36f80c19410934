/** Which parts of the instructions suite a run counts. */
import { instructionsParts } from '../../../bench/suites/instructions';

it('counts the API and the worker unless BENCH_INSTRUCTIONS names one of them', () => {
  expect([...instructionsParts(undefined)]).toEqual(['api', 'worker']);
  expect([...instructionsParts('worker')]).toEqual(['worker']);
  expect([...instructionsParts('api, worker')]).toEqual(['api', 'worker']);
  for (const bad of ['', 'workers', 'api,scrape']) {
    expect(() => instructionsParts(bad)).toThrow(`BENCH_INSTRUCTIONS=${JSON.stringify(bad)}: accepts api, worker or api,worker`);
  }
});
