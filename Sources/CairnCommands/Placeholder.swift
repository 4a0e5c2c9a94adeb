import CairnMPC
