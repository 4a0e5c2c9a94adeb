import CairnCommands

await CairnCommand.execute()
