import { describeRecords } from '../support/records-suite.js';

// Its own file, so its own process: kafkajs' encoders are chosen once per process.
describeRecords('stock');
