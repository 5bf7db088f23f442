// The masking rule lives in src/secrets (issue 17, item 3: the state layer masks journals and the audit log
// with it too, and src/state imports nothing from render); the renderers keep importing it from here.
export { SECRET_KEY_PARTS, MASK, isSecretKey, isMaskable, maskEnvEntry, maskEnv, maskInspect } from '../secrets/secret-env.js';
