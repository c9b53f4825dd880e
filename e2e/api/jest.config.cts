module.exports = {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  testTimeout: 60000,
};
