// Loaded with `node --require` (bundled by diskSpacePreload in disk-space.ts): limits the space of
// writes under DISK_SPACE_FOLDER to the budget in DISK_SPACE_CONTROL, in a child process under test.
import { limitDiskSpace } from "./disk-space";

const folder = process.env.DISK_SPACE_FOLDER;
const control = process.env.DISK_SPACE_CONTROL;
if (folder && control) limitDiskSpace(folder, control);
