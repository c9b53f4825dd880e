module.exports = { displayName: 'boundaries', preset: '../../jest.preset.js' };
