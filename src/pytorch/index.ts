export { parseTorchCheckpoint, readTorchCheckpoint, TorchCheckpointError } from "./checkpoint.js";
