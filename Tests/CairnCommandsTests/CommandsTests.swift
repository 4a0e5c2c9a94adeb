import Testing
@testable import CairnCommands
