import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailProblem } from '../../../src/input/address.js';

describe('emailProblem', () => {
  it('remembers only that an exact address was valid: a near twin is checked in full, every time', () => {
    const good = 'operator.remembered@example.com';
    for (let i = 0; i < 3; i++) assert.equal(emailProblem(good), undefined);
    assert.match(emailProblem(`${good}\r\nBcc: x@evil.example`) ?? '', /line break|control/);
    assert.equal(emailProblem(`"${good}"@example.com`), 'has a quoted local part, which mail servers refuse');
    assert.equal(emailProblem(good.replace('@', '')), 'is not an email address');
    assert.equal(emailProblem(`${good} `), 'is not an email address');
    // Asked again after the twins, the valid one is still valid and the twins still refused.
    assert.equal(emailProblem(good), undefined);
    assert.equal(emailProblem(good.replace('@', '')), 'is not an email address');
  });
});
