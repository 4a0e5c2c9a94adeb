import Testing
@testable import CairnStudy
