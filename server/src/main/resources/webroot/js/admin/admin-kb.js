// The knowledge-base admin page: the list and the editor (kb.js), once page.js has checked who may see it.
import { startDataAdminPage } from './page.js';
import { mountKbAdmin } from './kb.js';

startDataAdminPage('kb-area', mountKbAdmin);
