import identity from './identity';

export default { identity };
