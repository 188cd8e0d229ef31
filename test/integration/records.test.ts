import { describeRecords } from '../support/records-suite.js';

describeRecords('fast');
