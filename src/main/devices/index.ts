/** Devices service: serial ports, board protocols, virtual devices, recording into a SampleSink. */
export type {
  DeviceConnection,
  DeviceInfo,
  DeviceKind,
  DeviceProtocol,
  DeviceSensor,
  PortInfo,
  RecordingResult,
  RecordingSummary,
  SampleMeta,
  SampleSink,
  SensorInfo,
} from './types';
export { listPorts, watchPorts, type ListPortsOptions, type PortChange } from './portDiscovery';
export { SerialConnection, DEFAULT_BAUD_RATE } from './serialConnection';
export { identifySerialDevice, portToDeviceInfo, type IdentifiedDevice } from './serialDevice';
export {
  detect as detectForwarder,
  record as recordForwarder,
  parseForwarderLine,
  type DetectOptions,
  type DetectResult,
  type ForwarderRecordOptions,
} from './forwarderProtocol';
export {
  EiAtClient,
  parseConfig as parseEiConfig,
  probe,
  recordAt,
  type AtSampleOptions,
  type AtSampleResult,
  type EiDeviceConfig,
  type ProbeResult,
  type SampleProgress,
  type SampleStage,
} from './eiAtProtocol';
export { MemorySampleSink } from './memorySampleSink';
export {
  VIRTUAL_DEVICES,
  recordVirtual,
  virtualAccelerometer,
  virtualMicrophone,
  type VirtualDevice,
  type VirtualRecordOptions,
} from './virtual/virtualDevice';
export { MOTIONS, type Motion } from './virtual/virtualAccelerometer';
export { WORDS, type Word } from './virtual/virtualMicrophone';
export { runBoardSimulator, type BoardSimulator, type BoardSimulatorOptions } from './boardSimulator';
