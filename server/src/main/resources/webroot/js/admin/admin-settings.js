// The settings admin page: the run-time settings' editors and the start-only table (settings.js), once page.js has checked who may see it.
import { startDataAdminPage } from './page.js';
import { mountSettings } from './settings.js';

startDataAdminPage('settings-area', mountSettings);
