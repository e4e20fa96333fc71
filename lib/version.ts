/** The VirtRigaud release this toolkit deploys by default (image tags, `app.kubernetes.io/version`). */
export const VIRTRIGAUD_VERSION = 'v0.3.11';
