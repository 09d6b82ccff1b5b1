// The index has nothing to compute: it only says it is drawn, as every article page does (the tests wait for it).
import { ready } from './draw.js';

ready();
