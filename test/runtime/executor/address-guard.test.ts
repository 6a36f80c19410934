import { guardedLookup, nonPublicReason } from '../../../lib/runtime/executor/address-guard';
import { PermanentStepError } from '../../../lib/runtime/executor/step-error';

describe('nonPublicReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'embeds 127.0.0.1 is a loopback'],
    ['::ffff:7f00:1', 'embeds 127.0.0.1 is a loopback'],
    ['::ffff:10.0.0.1', 'embeds 10.0.0.1 is a private'],
    ['64:ff9b::a9fe:a9fe', 'embeds 169.254.169.254 is a linkLocal'],
    ['2002:c0a8:0101::1', 'embeds 192.168.1.1 is a private'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(nonPublicReason(address)).toContain(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(nonPublicReason(address)).toBeUndefined();
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) =>
      guardedLookup(host, { all }, (error, address) => (error ? reject(error) : resolve(address))),
    );

  it('refuses a name that resolves to loopback, whichever family', async () => {
    await expect(lookup('localhost', true)).rejects.toThrow(PermanentStepError);
    await expect(lookup('localhost', false)).rejects.toThrow(/refused: localhost resolves to .* loopback address/);
  });
});
