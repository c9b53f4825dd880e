module.exports = {
  displayName: 'sdk-e2e',
  preset: '../../jest.preset.js',
  testTimeout: 60000,
};
