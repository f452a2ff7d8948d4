// The callers admin page: callers, organisations and import (callers.js), once page.js has checked who may see it.
import { startDataAdminPage } from './page.js';
import { mountCallersAdmin } from './callers.js';

startDataAdminPage('callers-area', mountCallersAdmin);
