// Imported first by a test file under test/integration/on-etcd/ or test/e2e/on-etcd/: the suite it imports
// next keeps its state on the fleet's etcd (state-backend.ts reads this when it is first imported; ES imports
// are evaluated in order, and vitest runs each test file in a process of its own). Import nothing here.
process.env.DOCKPIT_TEST_STATE = 'etcd';
