module.exports = {
  displayName: 'tenancy',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tenancy',
};
