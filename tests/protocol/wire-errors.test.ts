/** What an `error` frame's code means for a refused message, in one place for both ends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusalReason, WireErrorCodes } from '../../protocol/wire-errors';

test('a refusal names its reason by code: too large, rate limited, anything else rejected', () => {
  assert.equal(refusalReason(WireErrorCodes.tooLarge, 'Message too large'), 'TOO_LARGE');
  assert.equal(refusalReason(WireErrorCodes.rateLimited, 'Rate limit exceeded'), 'RATE_LIMITED');
  assert.equal(refusalReason(WireErrorCodes.badFrame, 'bad'), 'REJECTED');
  assert.equal(refusalReason('something_new', 'the frame is too large'), 'REJECTED', 'a code we do not know is not guessed from the words');
});

test("without a code (the design notes' service), only the words tell a message that was too large", () => {
  assert.equal(refusalReason(undefined, 'Message too large'), 'TOO_LARGE');
  assert.equal(refusalReason(undefined, 'MESSAGE TOO LARGE'), 'TOO_LARGE');
  assert.equal(refusalReason(undefined, 'Not allowed'), 'REJECTED');
});
