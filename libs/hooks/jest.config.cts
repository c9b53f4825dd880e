module.exports = {
  displayName: 'hooks',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/hooks',
};
