/** Arduino library export: the C library in the layout the Arduino IDE installs. */
export { arduinoLibraryFiles, arduinoLibraryName, arduinoLibraryZip, type ArduinoLibraryOptions } from './arduinoLibrary';
export { ACCELEROMETER_LIBRARY } from './sketches';
