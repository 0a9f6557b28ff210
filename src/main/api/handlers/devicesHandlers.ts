import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { devicesMethods } from '../../../shared/api/devices';

export function devicesHandlers(s: Services): Pick<Handlers, keyof typeof devicesMethods> {
  return {
    'devices.list': () => s.devices.list(),
    'devices.addPort': ({ path }) => s.devices.addPort(path),
    'devices.removePort': ({ path }) => s.devices.removePort(path),
    'devices.connect': ({ path, baudRate, protocol }) => s.devices.connect(path, baudRate, protocol),
    'devices.disconnect': ({ path }) => s.devices.disconnect(path),
    'devices.setAxes': ({ path, axisNames }) => s.devices.setAxes(path, axisNames),
    'devices.record': (args) => ({ jobId: s.devices.record(args).id }),
  };
}
