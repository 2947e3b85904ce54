Attribute VB_Name = "fullemp_udfs"
' 本文件由 `fullemp addin build` 生成，请勿手改。

Function FE_RATE(numerator, denominator)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_RATE = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_RATE", Array(numerator, denominator), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_RATE = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_RATE", Array(numerator, denominator))
        Exit Function
    #End If
failed:
    FE_RATE = Err.Description
End Function

Function FE_ITEM_SCORE(item, values, Optional rules)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_ITEM_SCORE = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_ITEM_SCORE", Array(item, values, rules), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_ITEM_SCORE = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_ITEM_SCORE", Array(item, values, rules))
        Exit Function
    #End If
failed:
    FE_ITEM_SCORE = Err.Description
End Function

Function FE_REASONS(item, values, Optional rules)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_REASONS = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_REASONS", Array(item, values, rules), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_REASONS = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_REASONS", Array(item, values, rules))
        Exit Function
    #End If
failed:
    FE_REASONS = Err.Description
End Function

Function FE_SECTION(section, values, Optional rules)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_SECTION = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_SECTION", Array(section, values, rules), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_SECTION = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_SECTION", Array(section, values, rules))
        Exit Function
    #End If
failed:
    FE_SECTION = Err.Description
End Function

Function FE_TOTAL(values, Optional rules)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_TOTAL = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_TOTAL", Array(values, rules), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_TOTAL = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_TOTAL", Array(values, rules))
        Exit Function
    #End If
failed:
    FE_TOTAL = Err.Description
End Function

Function FE_LEVEL(total, Optional gates_met, Optional prior_title, Optional prior_year, Optional rules)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_LEVEL = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_LEVEL", Array(total, gates_met, prior_title, prior_year, rules), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_LEVEL = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_LEVEL", Array(total, gates_met, prior_title, prior_year, rules))
        Exit Function
    #End If
failed:
    FE_LEVEL = Err.Description
End Function

Function FE_WORKDAY(start, days, Optional holidays, Optional workdays)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_WORKDAY = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_WORKDAY", Array(start, days, holidays, workdays), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_WORKDAY = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_WORKDAY", Array(start, days, holidays, workdays))
        Exit Function
    #End If
failed:
    FE_WORKDAY = Err.Description
End Function

Function FE_RMB_UPPER(amount)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        FE_RMB_UPPER = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_RMB_UPPER", Array(amount), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        FE_RMB_UPPER = XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_RMB_UPPER", Array(amount))
        Exit Function
    #End If
failed:
    FE_RMB_UPPER = Err.Description
End Function
