/**
 * @module satnotify/plugins
 * For channel plugin authors, beside the seam the root exports (registerChannelPlugin and its
 * types): the built-in plugins' names, and a notification as the JSON fields webhook and MQTT carry.
 */
export { BUILT_IN_PLUGINS } from '../channels/registry.js';
export { notificationJson } from '../channels/plugin.js';
