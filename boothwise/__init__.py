"""boothwise: a party's election machine, booth by booth."""
