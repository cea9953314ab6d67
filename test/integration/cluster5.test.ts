import { clusterSuite } from './clusterSuite.js';

clusterSuite(5);
